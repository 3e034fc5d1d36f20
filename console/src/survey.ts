// The industry figures the maturity scorecard compares with, copied from shared/survey-benchmarks.json
// (only what the console shows). Figures as published by the study; shares are 0–1. The citation is the
// message `ov.sourceText` (English and Japanese).

export const INDUSTRIES = [
  'all',
  'financial-services',
  'government',
  'healthcare',
  'energy-utilities',
] as const;
export type Industry = (typeof INDUSTRIES)[number];
export const COUNTRIES = ['US', 'UK', 'DE', 'JP', 'SG', 'IN', 'other'] as const;
export type Country = (typeof COUNTRIES)[number];

export const survey = {
  /** Full inventory and knows which APIs return sensitive data. */
  fullInventoryAndKnowsSensitive: { 2023: 0.4, 2024: 0.27, apac2026: 0.22 },
  inventoryByIndustry: {
    government: { fullInventory: 0.669, knowsSensitive: 0.185 },
    'financial-services': { fullInventory: 0.735, knowsSensitive: 0.285 },
    healthcare: { fullInventory: 0.65, knowsSensitive: 0.24 },
  } as Partial<Record<Industry, { fullInventory: number; knowsSensitive: number }>>,
  /** Tests its APIs in real time. */
  realTimeTesting: { 2023: 0.18, 2024: 0.13 },
  dailyTesting: { 2023: 0.37, 2024: 0.13 },
  /** APAC 2026: API testing fully integrated in CI/CD. */
  fullyInCiCd: 0.19,
  incidentRate: {
    all: 0.84,
    byCountry: { US: 0.83, UK: 0.83, DE: 0.84, IN: 0.93, SG: 0.9 } as Partial<Record<Country, number>>,
    byIndustry: {
      'financial-services': 0.887,
      government: 0.861,
      healthcare: 0.847,
      'energy-utilities': 0.91,
    } as Partial<Record<Industry, number>>,
    apac: 0.81,
  },
  /** Average cost of an API security incident, by industry and currency. */
  incidentCost: {
    all: { USD: 591404.01, GBP: 420103.18, EUR: 403453.26 },
    'financial-services': { USD: 832800, GBP: 297189, EUR: 604405 },
    government: { USD: 717500.5, GBP: 378140.69, EUR: 296975.79 },
    healthcare: { USD: 510600, GBP: 363885, EUR: 643884 },
  } as Partial<Record<Industry, { USD: number; GBP: number; EUR: number }>>,
  apacIncidentCost: { JP: { USD: 1590000, JPY: 246000000 }, SG: { USD: 1330000 } },
} as const;

export interface Exposure {
  /** Share of peers with an API security incident in the last 12 months. */
  rate: number;
  rateBasis: 'industry' | 'country' | 'apac' | 'all';
  cost: number;
  currency: string;
  costBasis: 'industry' | 'country' | 'all';
}

/** The study's incident rate and average cost that fit an organisation best (industry first, then country). */
export function exposureFor(industry: Industry, country: Country): Exposure {
  const byIndustryRate = survey.incidentRate.byIndustry[industry];
  const byCountryRate = survey.incidentRate.byCountry[country];
  const apac = country === 'JP' || country === 'SG' || country === 'IN';
  const [rate, rateBasis]: [number, Exposure['rateBasis']] =
    byIndustryRate !== undefined
      ? [byIndustryRate, 'industry']
      : byCountryRate !== undefined
        ? [byCountryRate, 'country']
        : apac
          ? [survey.incidentRate.apac, 'apac']
          : [survey.incidentRate.all, 'all'];
  if (country === 'JP')
    return { rate, rateBasis, cost: survey.apacIncidentCost.JP.JPY, currency: 'JPY', costBasis: 'country' };
  if (country === 'SG')
    return { rate, rateBasis, cost: survey.apacIncidentCost.SG.USD, currency: 'USD', costBasis: 'country' };
  const currency = country === 'UK' ? 'GBP' : country === 'DE' ? 'EUR' : 'USD';
  const costs = survey.incidentCost[industry];
  if (costs) return { rate, rateBasis, cost: costs[currency], currency, costBasis: 'industry' };
  return {
    rate,
    rateBasis,
    cost: (survey.incidentCost.all as { USD: number; GBP: number; EUR: number })[currency],
    currency,
    costBasis: 'all',
  };
}
