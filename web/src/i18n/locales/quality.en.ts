import type { QualityMessages } from './quality.zh-CN'

// Archive data-quality messages, English.
const qualityEn: QualityMessages = {
  menu: {
    title: 'Data quality',
  },
  tabs: {
    overview: 'Overview',
    mine: 'My fix queue',
    all: 'All findings',
    rules: 'Rules',
  },

  categories: {
    completeness: 'Completeness',
    validity: 'Validity',
    grid: 'Grid rules',
    duplicates: 'Duplicates',
    staleness: 'Staleness',
    anomalies: 'Anomalies',
  },
  severities: {
    high: 'High',
    medium: 'Medium',
    low: 'Low',
  },
  statuses: {
    live: 'Live',
    open: 'Open',
    dismiss_requested: 'Not-a-defect requested',
    dismissed: 'Not a defect',
    closed: 'Fixed',
  },

  fields: {
    rule: 'Rule',
    category: 'Category',
    severity: 'Severity',
    customer: 'Customer',
    target: 'Account / contact',
    problem: 'Finding',
    fix: 'What to change',
    firstSeen: 'First seen',
    closedAt: 'Closed',
    status: 'Status',
    manager: 'Account manager',
    reason: 'Reason',
    requestedBy: 'Requested by',
    checkedFields: 'Fields',
    source: 'Source',
    open: 'Live',
    enabled: 'On',
  },
  keyAccount: 'Key',

  score: {
    hint: "A customer's score is 100 less the points of its live findings (high 20, medium 10, low 5), at least 0; a bureau's or account manager's score is the average of its customers.",
  },

  overview: {
    score: 'Data-quality score',
    customers: 'Customers',
    open: 'Live findings',
    poor: 'Customers under 50',
    trendTitle: 'Weekly trend (last 26 weeks)',
    trendCompany: "the company's weekly snapshots",
    trendBureau: "your bureau's weekly snapshots (every full pass records the week's score)",
    trendScore: 'Average score',
    trendOpen: 'Live findings',
    noTrend: "No weekly snapshot yet: every full pass records the week's score.",
    bureaus: 'Bureaus (worst first)',
    managers: "Account managers' key accounts (worst first)",
    rules: 'Live findings per rule',
    bureau: 'Bureau',
    manager: 'Account manager',
    customerCount: 'Customers',
    scoreCol: 'Score',
    openCol: 'Live',
    poorCol: 'Under 50',
    noRules: 'No live findings in your scope',
    viewFindings: 'Show findings',
  },

  filters: {
    allRules: 'All rules',
  },

  list: {
    bulkFix: 'Fix this page in bulk ({n})',
    bulkFixTitle: 'Bulk fix',
    bulkFixConfirm: {
      'validity.basic_charge_mode': 'The {n} accounts on this page that are not on the two-part tariff will pay no basic charge. Fix them?',
      'staleness.key_contacts': 'Have you checked the contacts of the {n} key accounts on this page with the customers? Their active contacts will be recorded as confirmed today.',
    },
    bulkFixed: '{fixed} fixed, {skipped} skipped',
    mineHint:
      "Findings on the key accounts you manage (primary or backup); for whoever keeps the bureau's archive (import rights) also its other customers. Every edit re-checks the customer at once, and fixed findings close by themselves.",
    allHint: 'Every finding in your scope, the most severe and oldest first.',
    fix: 'Fix',
    view: 'View',
    dismiss: 'Not a defect',
    empty: 'No findings match',
    mineEmpty: 'Nothing to fix: the records are clean',
    total: '{n} in all',
  },

  approvals: {
    title: '“Not a defect” requests to decide',
    hint: 'An account manager reports that a finding is not an error in the records. Approved, it no longer counts (it is checked again when the record changes); rejected, it is open again. Nobody decides their own request.',
    approve: 'Approve',
    reject: 'Reject',
    approveConfirm: 'Accept that “{rule}” ({customer}) is not a defect?',
    rejectConfirm: 'Reject the request and open the finding again?',
    approved: 'Accepted as not a defect',
    rejected: 'Rejected: the finding is open again',
    ownRequest: 'You cannot decide your own request',
    empty: 'No requests to decide',
  },

  dismiss: {
    title: 'Report as not a defect',
    intro: 'Say why this is not an error in the records (e.g. the customer really has no mobile number, the two are really different companies). Someone else with approval rights decides.',
    reason: 'Reason',
    reasonPlaceholder: 'e.g. the contact is the gatehouse landline; checked by phone that there is no mobile',
    reasonRequired: 'Enter the reason',
    submit: 'Submit',
    submitted: 'Submitted, awaiting approval',
  },

  rules: {
    lastPass: 'Last full pass',
    lastPassText: 'finished {at}: {customers} customers checked, {opened} new findings, {closed} closed, {open_total} live in all',
    noPass: 'No full pass yet',
    nightly: 'A full pass runs every night; an edit or import re-checks its customers at once.',
    run: 'Run the full pass now',
    runConfirm: 'Every active customer is checked with every rule that is on; this may take a while. Continue?',
    runDone: 'Full pass finished',
    runResult: '{customers} customers checked, {opened} new findings, {closed} closed, {open_total} live in all',
    disableConfirm: 'Switching off “{rule}” closes its {n} live findings at once. Continue?',
    enabledSaved: 'Rule switched on: it finds again at the next check',
    disabledSaved: 'Rule switched off and its findings closed',
    readOnly: 'Read only: the company-level data-quality administrator switches rules on and off.',
    regionalOnly: 'Rules apply company-wide and are switched at company level.',
    settings: 'Settings',
    on: 'On',
    off: 'Off',
  },

  customerTab: {
    title: 'Data quality',
    score: 'Record score',
    openCount: '{n} live findings',
    none: 'No findings on this record',
    fix: 'Fix',
    gone: 'This finding is gone (probably fixed)',
    hint: 'Saving an edit re-checks the record at once; fixed findings close by themselves.',
  },

  settingLabels: {
    quality_contact_confirm_days: "Confirmation period of a key account's contacts (days)",
    quality_full_pass_hour: 'Hour the nightly full pass starts (Beijing time)',
  },
}

export default qualityEn
