// idnumber.js — the 18-character resident identity number (GB 11643-1999): checksum, birth date and sex.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function checkChar(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

function validDate(y, m, d) {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Checks an identity number as typed. Returns
 *   {empty:true}                                   nothing typed
 *   {ok:false, partial:true, error}                still typing (fewer than 18 characters, all digits so far)
 *   {ok:false, error}                              wrong
 *   {ok:true, normalized, birth_date, sex}         valid (lower-case x normalised to X)
 */
export function checkIdNumber(raw) {
  const s = String(raw ?? '').trim().toUpperCase();
  if (!s) return { empty: true };
  if (!/^\d*X?$/.test(s) || (s.includes('X') && s.length !== 18)) {
    return { ok: false, error: '身份证号只能由数字组成，最后一位可为 X' };
  }
  if (s.length < 18) return { ok: false, partial: true, error: `身份证号应为 18 位，已输入 ${s.length} 位` };
  if (s.length > 18) return { ok: false, error: `身份证号应为 18 位，已输入 ${s.length} 位` };
  const y = Number(s.slice(6, 10)), m = Number(s.slice(10, 12)), d = Number(s.slice(12, 14));
  if (!validDate(y, m, d) || y < 1880) {
    return { ok: false, error: `身份证号第 7–14 位的出生日期 ${s.slice(6, 14)} 不是有效日期` };
  }
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  const today = new Date();
  if (new Date(`${birth}T00:00:00`) > today) {
    return { ok: false, error: `身份证号中的出生日期 ${birth} 晚于今天` };
  }
  const expected = checkChar(s.slice(0, 17));
  if (s[17] !== expected) {
    return { ok: false, error: `校验码不符：按前 17 位计算，第 18 位应为 ${expected}，输入的是 ${s[17]}（请核对号码）`,
      expected };
  }
  const sex = Number(s[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, normalized: s, birth_date: birth, sex };
}
