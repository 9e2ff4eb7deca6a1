// The city's districts (GET /public/districts needs no account), so every form and table follows
// whatever city the deployment holds.

import { request } from './api.js';
import { localName } from './i18n.js';

// Loaded once per page life.
let districtsByCode = null;

export async function loadDistricts() {
  if (!districtsByCode) {
    const { districts } = await request('GET', '/public/districts', { auth: false });
    districtsByCode = new Map(districts.map((district) => [district.code, district]));
  }
  return [...districtsByCode.values()];
}

// The district's name in the current language once loadDistricts() has run; its code before.
export function districtName(code) {
  const district = districtsByCode?.get(code);
  return district ? localName(district) : code;
}
