#pragma once
// Routes of the notification outbox (library lx_notify_api): register_routes is declared in
// notify/notify.hpp beside the rest of the module's interface.
//   GET  /api/v1/notifications                  the caller's in-app inbox (?unread=true), with "unread"
//   POST /api/v1/notifications/{id}/read        mark one of the caller's own read
//   POST /api/v1/notifications/read-all
//   GET|PUT /api/v1/notifications/preferences   the caller's channels per kind
//   GET|PUT /api/v1/notifications/quiet-hours   anyone reads; administrators change (audited)
//   GET  /api/v1/outbox                         delivery status (user_admin or audit_read)
//   POST /api/v1/outbox/{id}/retry              administrators: failed/dead back to pending (audited)
#include "notify/notify.hpp"
