import { watch } from 'vue'
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSessionStore } from '@/stores/session'
import MainLayout from '@/layout/MainLayout.vue'
import { i18n } from '@/i18n'
import type { RoleCode } from '@/api/types'

declare module 'vue-router' {
  interface RouteMeta {
    // i18n key of the page title / menu label
    title?: string
    // permission code needed to see the page, or a list of which any one will do (the server
    // enforces it anyway)
    permission?: string | string[]
    // pages reachable without a session
    public?: boolean
  }
}

export const appRoutes: RouteRecordRaw[] = [
  {
    path: 'customers',
    name: 'customers',
    component: () => import('@/views/customer/index.vue'),
    meta: { title: 'menu.customers', permission: 'customer.read' },
  },
  {
    path: 'customers/:id(\\d+)',
    name: 'customer-360',
    component: () => import('@/views/customer/detail.vue'),
    meta: { title: 'menu.customer360', permission: 'customer.read' },
  },
  {
    path: 'lookup',
    name: 'lookup',
    component: () => import('@/views/lookup/index.vue'),
    meta: { title: 'menu.lookup', permission: 'customer.read' },
  },
  {
    path: 'claims/mine',
    name: 'claims-mine',
    component: () => import('@/views/claims/mine.vue'),
    meta: { title: 'menu.claimsMine', permission: 'claim.read' },
  },
  {
    path: 'claims',
    name: 'claims',
    component: () => import('@/views/claims/index.vue'),
    meta: { title: 'menu.claimsBoard', permission: 'claim.read' },
  },
  {
    path: 'claims/new',
    name: 'claim-new',
    component: () => import('@/views/claims/new.vue'),
    meta: { title: 'menu.claimNew', permission: 'claim.intake' },
  },
  {
    path: 'claims/analysis',
    name: 'claims-analysis',
    component: () => import('@/views/claims/analysis.vue'),
    meta: { title: 'menu.claimsAnalysis', permission: 'claim.read' },
  },
  {
    path: 'claims/repair-measures',
    name: 'claims-repair-measures',
    component: () => import('@/views/claims/repairMeasures.vue'),
    meta: { title: 'menu.claimsRepair', permission: 'claim.read' },
  },
  {
    path: 'claims/admin',
    name: 'claims-admin',
    component: () => import('@/views/claims/admin/index.vue'),
    meta: { title: 'menu.claimsAdmin', permission: 'claim.read' },
  },
  {
    path: 'claims/:id(\\d+)',
    name: 'claim-detail',
    component: () => import('@/views/claims/detail.vue'),
    meta: { title: 'menu.claimDetail', permission: 'claim.read' },
  },
  {
    path: 'key-accounts/home',
    name: 'key-account-home',
    component: () => import('@/views/keyaccounts/home.vue'),
    meta: { title: 'menu.keyAccountHome', permission: 'keyaccount.service' },
  },
  {
    path: 'key-accounts',
    name: 'key-accounts',
    component: () => import('@/views/keyaccounts/list.vue'),
    meta: { title: 'menu.keyAccountList', permission: 'customer.read' },
  },
  {
    path: 'key-accounts/:id(\\d+)',
    name: 'key-account-service',
    component: () => import('@/views/keyaccounts/service.vue'),
    meta: { title: 'menu.keyAccountService', permission: 'customer.read' },
  },
  {
    path: 'key-accounts/programmes',
    name: 'key-account-board',
    component: () => import('@/views/keyaccounts/board.vue'),
    meta: { title: 'menu.keyAccountBoard', permission: 'customer.read' },
  },
  {
    path: 'key-accounts/work',
    name: 'key-account-work',
    component: () => import('@/views/keyaccounts/work.vue'),
    meta: { title: 'menu.keyAccountWork', permission: 'customer.read' },
  },
  {
    path: 'key-accounts/managers',
    name: 'key-account-managers',
    component: () => import('@/views/keyaccounts/managers.vue'),
    meta: { title: 'menu.keyAccountManagers', permission: ['keyaccount.manage', 'keyaccount.approve'] },
  },
  {
    path: 'key-accounts/requests',
    name: 'key-account-requests',
    component: () => import('@/views/keyaccounts/requests.vue'),
    meta: { title: 'menu.keyAccountRequests', permission: ['keyaccount.review', 'keyaccount.approve'] },
  },
  {
    path: 'key-accounts/identification',
    name: 'key-account-identification',
    component: () => import('@/views/keyaccounts/identification.vue'),
    meta: { title: 'menu.keyAccountIdentification', permission: 'customer.read' },
  },
  {
    path: 'expansion',
    name: 'expansion',
    component: () => import('@/views/expansion/index.vue'),
    meta: { title: 'expansion.menu.list', permission: 'customer.read' },
  },
  {
    path: 'expansion/mine',
    name: 'expansion-mine',
    component: () => import('@/views/expansion/mine.vue'),
    meta: { title: 'expansion.menu.mine', permission: 'expansion.work' },
  },
  {
    path: 'expansion/analysis',
    name: 'expansion-analysis',
    component: () => import('@/views/expansion/analysis.vue'),
    meta: { title: 'expansion.menu.analysis', permission: 'customer.read' },
  },
  {
    path: 'expansion/import',
    name: 'expansion-import',
    component: () => import('@/views/expansion/import.vue'),
    meta: { title: 'expansion.menu.import', permission: 'expansion.work' },
  },
  {
    path: 'expansion/:id(\\d+)',
    name: 'expansion-detail',
    component: () => import('@/views/expansion/detail.vue'),
    meta: { title: 'expansion.menu.detail', permission: 'customer.read' },
  },
  {
    path: 'outages',
    name: 'outages',
    component: () => import('@/views/outages/index.vue'),
    meta: { title: 'outages.menu.plan', permission: 'customer.read' },
  },
  {
    path: 'outages/new',
    name: 'outage-new',
    component: () => import('@/views/outages/form.vue'),
    meta: { title: 'outages.menu.new', permission: 'outage.plan' },
  },
  {
    path: 'outages/:id(\\d+)',
    name: 'outage-detail',
    component: () => import('@/views/outages/detail.vue'),
    meta: { title: 'outages.menu.detail', permission: 'customer.read' },
  },
  {
    path: 'outages/:id(\\d+)/edit',
    name: 'outage-edit',
    component: () => import('@/views/outages/form.vue'),
    meta: { title: 'outages.menu.edit', permission: 'outage.plan' },
  },
  {
    path: 'outages/reliability',
    name: 'outage-reliability',
    component: () => import('@/views/outages/reliability.vue'),
    meta: { title: 'outages.menu.reliability', permission: 'customer.read' },
  },
  {
    path: 'supply-guarantees',
    name: 'supply-guarantees',
    component: () => import('@/views/outages/guarantees.vue'),
    meta: { title: 'outages.menu.guarantees', permission: 'customer.read' },
  },
  {
    path: 'topology',
    name: 'topology',
    component: () => import('@/views/topology/index.vue'),
    meta: { title: 'outages.menu.topology', permission: 'customer.read' },
  },
  {
    path: 'outages/settings',
    name: 'outage-settings',
    component: () => import('@/views/outages/settings.vue'),
    meta: { title: 'outages.menu.settings', permission: ['claim.admin', 'outage.plan', 'outage.approve'] },
  },
  {
    path: 'quality',
    name: 'quality',
    component: () => import('@/views/quality/index.vue'),
    meta: { title: 'quality.menu.title', permission: 'customer.read' },
  },
  {
    path: 'tariff/tables',
    name: 'tariff-tables',
    component: () => import('@/views/tariff/tables.vue'),
    meta: { title: 'tariff.menu.tables', permission: 'reference.read' },
  },
  {
    path: 'tariff/tables/new',
    name: 'tariff-table-new',
    component: () => import('@/views/tariff/tableForm.vue'),
    meta: { title: 'tariff.menu.tableNew', permission: 'tariff.admin' },
  },
  {
    path: 'tariff/tables/:id(\\d+)',
    name: 'tariff-table-detail',
    component: () => import('@/views/tariff/tableDetail.vue'),
    meta: { title: 'tariff.menu.tableDetail', permission: 'reference.read' },
  },
  {
    path: 'tariff/tables/:id(\\d+)/edit',
    name: 'tariff-table-edit',
    component: () => import('@/views/tariff/tableForm.vue'),
    meta: { title: 'tariff.menu.tableEdit', permission: 'tariff.admin' },
  },
  {
    path: 'tariff/evaluate',
    name: 'tariff-evaluate',
    component: () => import('@/views/tariff/evaluate.vue'),
    meta: { title: 'tariff.menu.evaluate', permission: 'customer.read' },
  },
  {
    path: 'curves/import',
    name: 'curve-import',
    component: () => import('@/views/curves/import.vue'),
    meta: { title: 'tariff.menu.curveImport', permission: 'curve.import' },
  },
  {
    path: 'analysis/anomalies',
    name: 'analysis-anomalies',
    component: () => import('@/views/analysis/anomalies.vue'),
    meta: { title: 'analysis.menu.anomalies', permission: 'customer.read' },
  },
  {
    path: 'analysis/reports',
    name: 'analysis-reports',
    component: () => import('@/views/analysis/reports.vue'),
    meta: { title: 'analysis.menu.reports', permission: 'analysis.review' },
  },
  {
    path: 'tariff/settings',
    name: 'tariff-settings',
    component: () => import('@/views/tariff/settings.vue'),
    meta: { title: 'tariff.menu.settings', permission: 'reference.read' },
  },
  {
    path: 'calendar/deadline',
    name: 'deadline',
    component: () => import('@/views/calendar/deadline.vue'),
    meta: { title: 'menu.deadline', permission: 'reference.read' },
  },
  {
    path: 'imports',
    name: 'imports',
    component: () => import('@/views/import/index.vue'),
    meta: { title: 'menu.imports', permission: 'customer.import' },
  },
  {
    path: 'groups',
    name: 'groups',
    component: () => import('@/views/groups/index.vue'),
    meta: { title: 'billing.menu.groups', permission: 'customer.read' },
  },
  {
    path: 'groups/:id(\\d+)',
    name: 'group-detail',
    component: () => import('@/views/groups/detail.vue'),
    meta: { title: 'billing.menu.groupDetail', permission: 'customer.read' },
  },
  {
    path: 'customers/:id(\\d+)/bills',
    name: 'customer-bills',
    component: () => import('@/views/billing/customerBills.vue'),
    meta: { title: 'billing.menu.customerBills', permission: 'customer.read' },
  },
  {
    path: 'bill-imports',
    name: 'bill-imports',
    component: () => import('@/views/billing/import.vue'),
    meta: { title: 'billing.menu.billImports', permission: 'bill.import' },
  },
  {
    path: 'system/users',
    name: 'users',
    component: () => import('@/views/system/user/index.vue'),
    meta: { title: 'menu.users', permission: 'user.admin' },
  },
  {
    path: 'system/org',
    name: 'org',
    component: () => import('@/views/system/org/index.vue'),
    meta: { title: 'menu.org', permission: 'org.admin' },
  },
  {
    path: 'system/api-keys',
    name: 'api-keys',
    component: () => import('@/views/system/apikey/index.vue'),
    meta: { title: 'menu.apiKeys', permission: 'apikey.admin' },
  },
  {
    path: 'system/outbox',
    name: 'outbox',
    component: () => import('@/views/system/outbox/index.vue'),
    meta: { title: 'menu.outbox', permission: ['user.admin', 'audit.read'] },
  },
  {
    // 消息设置: every signed-in user's own notification channels (reached from the bell).
    path: 'notifications/settings',
    name: 'notification-settings',
    component: () => import('@/views/notifications/settings.vue'),
    meta: { title: 'menu.notificationSettings' },
  },
  {
    path: 'audit',
    name: 'audit',
    component: () => import('@/views/audit/index.vue'),
    meta: { title: 'menu.audit', permission: 'audit.read' },
  },
]

// The home page is the first page the user may see in the order for their role: a department
// handler starts with their queue, a dispatcher with the dispatch board, most others with the
// customer list (an auditor with the audit log); an account manager starts with their workbench.
const defaultHomeOrder = ['customers', 'claims-mine', 'lookup', 'imports', 'audit', 'users', 'org', 'api-keys']
const homeOrderByRole: Partial<Record<RoleCode, string[]>> = {
  account_manager: ['key-account-home', ...defaultHomeOrder],
  department_handler: ['claims-mine', ...defaultHomeOrder],
  service_dispatcher: ['claims', ...defaultHomeOrder],
  outage_planner: ['outages', ...defaultHomeOrder],
}

export function homeRouteName(): string {
  const session = useSessionStore()
  const order = (session.user && homeOrderByRole[session.user.role]) || defaultHomeOrder
  for (const name of order) {
    const route = appRoutes.find((entry) => entry.name === name)
    if (route && session.can(route.meta?.permission)) return name
  }
  return 'forbidden'
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/login/index.vue'),
    meta: { public: true, title: 'login.title' },
  },
  {
    // The customer's confirmation of an outage notice, from the link in the SMS: no login, no
    // app layout (a phone-sized page).
    path: '/ack/:token',
    name: 'outage-ack',
    component: () => import('@/views/public/ack.vue'),
    meta: { public: true, title: 'outages.menu.ack' },
  },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'home', redirect: () => ({ name: homeRouteName() }) },
      ...appRoutes,
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/views/error/index.vue'),
        props: { kind: 'forbidden' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/error/index.vue'),
        props: { kind: 'not-found' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

router.beforeEach(async (to) => {
  const session = useSessionStore()
  await session.restore()
  if (to.meta.public) {
    if (to.name === 'login' && session.loggedIn) return { name: 'home' }
    return true
  }
  if (!session.loggedIn) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (!session.can(to.meta.permission)) return { name: 'forbidden' }
  return true
})

// The browser tab shows the page title in the current language.
function updateTitle(titleKey: string | undefined) {
  const appName = i18n.global.t('app.name')
  document.title = titleKey ? `${i18n.global.t(titleKey)} - ${appName}` : appName
}
router.afterEach((to) => updateTitle(to.meta.title))
watch(i18n.global.locale, () => updateTitle(router.currentRoute.value.meta.title))
