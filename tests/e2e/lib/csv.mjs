// Builds import CSV files from the server's own template, so the test follows
// whatever columns the server defines. Values are guessed from column names
// (English codes or Chinese labels) and the server's reference data.
import { makeUscc } from './uscc.mjs'

export function parseCsvLine(line) {
  const cells = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      cells.push(field)
      field = ''
    } else field += ch
  }
  cells.push(field)
  return cells
}

const quote = (value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)

// reference: { enums, industries, orgUnits, userOrgUnitId }
export function buildCustomerCsv(templateText, reference, rows) {
  const lines = templateText.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '')
  const header = parseCsvLine(lines[0]).map((cell) => cell.trim())
  // Skip comment/description lines some templates carry; use an example row if present.
  const example = lines.slice(1).map(parseCsvLine).find((cells) => cells.length === header.length && !cells[0].startsWith('#'))
  const org = reference.orgUnits.find((unit) => unit.id === reference.userOrgUnitId) ?? reference.orgUnits[0]
  const body = rows.map((row) =>
    header.map((column, index) => {
      const key = column.toLowerCase().replace(/\*/g, '')
      // References to other records (group, managers) stay empty: optional and scope-dependent.
      if (/集团|group/.test(key)) return /信用代码|credit|_id|code/.test(key) ? '' : example?.[index] ?? ''
      if (/经理|manager/.test(key)) return ''
      if (/grade|信用等级/.test(key)) return example?.[index] || reference.enums.credit_grades?.[0]?.code || ''
      if (/credit|信用代码/.test(key)) return row.creditCode
      if (/^name$|customer_name|客户名称|^名称/.test(key)) return row.name
      if (/industry|行业/.test(key)) return reference.industries[0]?.code ?? ''
      if (/org|单位/.test(key)) return /id$/.test(key) ? String(org.id) : /name|名称/.test(key) ? org.name : org.code
      // Enumerations: the template's example value (label or code) or else the first code.
      if (/importance|重要/.test(key)) return example?.[index] || reference.enums.importance_classes?.[0]?.code || ''
      if (/sensitiv|敏感/.test(key)) return example?.[index] || reference.enums.outage_sensitivities?.[0]?.code || ''
      if (/address|地址/.test(key)) return '云南省昆明市测试路1号'
      return example?.[index] ?? ''
    }),
  )
  return [header, ...body].map((cells) => cells.map(quote).join(',')).join('\r\n') + '\r\n'
}

let sequence = 0
export function uniqueCreditCode() {
  sequence += 1
  return makeUscc((Date.now() * 7 + sequence) % 89999999)
}
