// Unified social credit codes (统一社会信用代码, GB 32100-2015) for test data.

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

// Check character of the 9-character organisation code (GB 11714).
function orgCheck(body) {
  let sum = 0
  for (let i = 0; i < 8; i++) sum += parseInt(body[i], 36) * ORG_WEIGHTS[i]
  const value = 11 - (sum % 11)
  return value === 10 ? 'X' : value === 11 ? '0' : String(value)
}

export function usccCheck(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i]
  return USCC_CHARS[(31 - (sum % 31)) % 31]
}

export function isValidUscc(code) {
  if (typeof code !== 'string' || !/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false
  return usccCheck(code.slice(0, 17)) === code[17]
}

// A valid code derived from a number (deterministic, distinct per seed).
export function makeUscc(seed) {
  const body = String(10000000 + (Math.abs(seed) % 89999999)).slice(-8)
  const org = body + orgCheck(body)
  const first17 = '91530100' + org
  return first17 + usccCheck(first17)
}
