import type { OutageAction, OutageDetail } from '@/api/outages'

// The commands of the detail page that open ActionDialog (the others only ask for a confirmation).
export type DialogAction = Extract<OutageAction, 'approve' | 'start' | 'restore' | 'delay' | 'cancel'>

// How many blockers stand in the way of approving: accounts over the yearly limit of planned
// interruptions and guaranteed-supply periods the outage falls into.
export function blockerCount(outage: OutageDetail | null | undefined): number {
  const blockers = outage?.blockers
  if (!blockers) return 0
  return (blockers.yearly_limit?.accounts?.length ?? 0) + (blockers.guarantees?.length ?? 0)
}

// The staff's entries on a notice (NoticeDialogs): a confirmation, a posting, a posting's photo.
export type NoticeDialogMode = 'ack' | 'posting' | 'photo'
