/**
 * 联单编号 (《危险废物转移管理办法》第15条): 14 digits = year (4) + province (2) + city (2) + serial (6),
 * the serial counted per prefecture-level city. The four municipalities have no prefecture level,
 * so their whole territory counts as city 01 (重庆: YYYY5001).
 */
const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

export function manifestPrefix(year: number, divisionCode: string): string {
  const province = divisionCode.slice(0, 2);
  const city = MUNICIPALITIES.has(province) ? '01' : divisionCode.slice(2, 4);
  return `${year}${province}${city}`;
}

export function formatManifestNumber(prefix: string, serial: number): string {
  if (serial < 1 || serial > 999_999) throw new RangeError(`serial ${serial} out of range`);
  return prefix + String(serial).padStart(6, '0');
}

export function provinceOf(divisionCode: string): string {
  return divisionCode.slice(0, 2);
}
