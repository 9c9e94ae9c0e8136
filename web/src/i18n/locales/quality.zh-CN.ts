// Archive data-quality (客户档案数据质量：总览、我的待整改、全部问题、规则、客户视图的数据质量) messages,
// Simplified Chinese. quality.en.ts must have the same keys (type-checked).
const qualityZhCN = {
  menu: {
    title: '数据质量',
  },
  tabs: {
    overview: '总览',
    mine: '我的待整改',
    all: '全部问题',
    rules: '规则',
  },

  // code lists
  categories: {
    completeness: '完整性',
    validity: '有效性',
    grid: '电网规则',
    duplicates: '重复',
    staleness: '时效性',
    anomalies: '异常值',
  },
  severities: {
    high: '高',
    medium: '中',
    low: '低',
  },
  statuses: {
    live: '待处理',
    open: '待整改',
    dismiss_requested: '非问题待审批',
    dismissed: '已认定非问题',
    closed: '已整改关闭',
  },

  fields: {
    rule: '规则',
    category: '类别',
    severity: '严重程度',
    customer: '客户',
    target: '户号 / 联系人',
    problem: '问题',
    fix: '整改建议',
    firstSeen: '首次发现',
    closedAt: '关闭时间',
    status: '状态',
    manager: '客户经理',
    reason: '申报理由',
    requestedBy: '申报人',
    checkedFields: '检查字段',
    source: '依据',
    open: '待处理',
    enabled: '启用',
  },
  keyAccount: '重点',

  score: {
    hint: '客户得分 = 100 − 各项待处理问题的扣分（高 20、中 10、低 5），最低 0 分；单位和客户经理的得分为其客户的平均分。',
  },

  overview: {
    score: '数据质量得分',
    customers: '在册客户',
    open: '待处理问题',
    poor: '低于 50 分的客户',
    trendTitle: '每周趋势（最近 26 周）',
    trendCompany: '全公司每周快照',
    trendBureau: '所在供电单位的每周快照（每次全量检查记录本周得分）',
    trendScore: '平均得分',
    trendOpen: '待处理问题',
    noTrend: '尚无每周快照：每次全量检查后记录本周得分。',
    bureaus: '各供电单位（最差在前）',
    managers: '各客户经理的重点客户（最差在前）',
    rules: '各规则的待处理问题',
    bureau: '供电单位',
    manager: '客户经理',
    customerCount: '客户数',
    scoreCol: '得分',
    openCol: '待处理',
    poorCol: '低于50分',
    noRules: '当前范围内没有待处理的问题',
    viewFindings: '查看问题',
  },

  filters: {
    allRules: '全部规则',
  },

  list: {
    bulkFix: '批量修复本页（{n}）',
    bulkFixTitle: '批量修复',
    bulkFixConfirm: {
      'validity.basic_charge_mode': '本页 {n} 个非两部制电价的用电户将改为不计收基本电费。确定修复？',
      'staleness.key_contacts': '确认您已与本页 {n} 个重点客户核实过联系人？系统将把其全部在用联系人的核实日期记为今天。',
    },
    bulkFixed: '已修复 {fixed} 项，跳过 {skipped} 项',
    mineHint: '我负责的重点客户（主、备客户经理）的档案问题；有数据导入权限的档案管理人员还包括本单位的非重点客户。修改档案后立即重新检查，已整改的问题自动关闭。',
    allHint: '当前权限范围内的全部档案问题，严重的、发现早的在前。',
    fix: '去修改',
    view: '查看',
    dismiss: '申报非问题',
    empty: '没有符合条件的问题',
    mineEmpty: '没有待整改的问题，档案很干净',
    total: '共 {n} 项',
  },

  approvals: {
    title: '待审批的“非问题”申报',
    hint: '客户经理申报某项问题不是档案错误。同意后该问题不再计入得分（记录再次变化时重新检查）；驳回后问题恢复待整改。申报人本人不能审批。',
    approve: '同意',
    reject: '驳回',
    approveConfirm: '确认“{rule}”（{customer}）不是档案错误？',
    rejectConfirm: '驳回该申报，问题恢复为待整改？',
    approved: '已认定为非问题',
    rejected: '已驳回，问题恢复待整改',
    ownRequest: '不能审批自己的申报',
    empty: '没有待审批的申报',
  },

  dismiss: {
    title: '申报非问题',
    intro: '请说明为什么这不是档案错误（例如：客户确无手机号、两户确为不同单位）。申报后由其他有审批权限的人员认定。',
    reason: '理由',
    reasonPlaceholder: '例如：该联系人为门卫座机，客户确无手机号，已电话核实',
    reasonRequired: '请填写理由',
    submit: '提交申报',
    submitted: '已提交申报，等待审批',
  },

  rules: {
    lastPass: '最近一次全量检查',
    lastPassText: '{at} 完成：检查客户 {customers} 户，新发现 {opened} 项，关闭 {closed} 项，待处理共 {open_total} 项',
    noPass: '尚未进行全量检查',
    nightly: '每天夜间自动全量检查；修改或导入档案时立即检查相关客户。',
    run: '立即全量检查',
    runConfirm: '将用全部启用的规则检查所有在册客户，可能需要一些时间。继续吗？',
    runDone: '全量检查完成',
    runResult: '检查客户 {customers} 户，新发现 {opened} 项，关闭 {closed} 项，待处理共 {open_total} 项',
    disableConfirm: '停用规则“{rule}”后，其现有的 {n} 项问题将立即关闭。继续吗？',
    enabledSaved: '规则已启用，下次检查时生效',
    disabledSaved: '规则已停用，其问题已关闭',
    readOnly: '只读：规则由公司级数据质量管理员统一启停。',
    regionalOnly: '规则在全公司统一适用，只能在公司层级启停。',
    settings: '参数设置',
    on: '启用',
    off: '停用',
  },

  customerTab: {
    title: '数据质量',
    score: '档案得分',
    openCount: '待处理问题 {n} 项',
    none: '未发现档案问题',
    fix: '修改',
    gone: '该问题已不存在（可能已经整改）',
    hint: '修改档案保存后立即重新检查；已整改的问题自动关闭。',
  },

  settingLabels: {
    quality_contact_confirm_days: '重点客户联系人核实周期（天）',
    quality_full_pass_hour: '每日全量检查开始时间（北京时间，时）',
  },
}

export default qualityZhCN
export type QualityMessages = typeof qualityZhCN
