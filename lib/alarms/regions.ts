/**
 * SNS alarm notifications name the region for humans ("EU - Ireland", "US East (N. Virginia)", "Asia Pacific -
 * Tokyo"), and the spelling has changed over the years. We match on the location part (inside the parentheses,
 * or after the last " - "), so "EU - Ireland", "EU (Ireland)" and "Europe (Ireland)" all resolve to eu-west-1.
 * Locations shared by two areas ("Central") are keyed with their area.
 */
const LOCATIONS: Readonly<Record<string, string>> = {
  'n virginia': 'us-east-1',
  'northern virginia': 'us-east-1',
  ohio: 'us-east-2',
  'n california': 'us-west-1',
  'northern california': 'us-west-1',
  oregon: 'us-west-2',
  'cape town': 'af-south-1',
  'hong kong': 'ap-east-1',
  taipei: 'ap-east-2',
  hyderabad: 'ap-south-2',
  jakarta: 'ap-southeast-3',
  malaysia: 'ap-southeast-5',
  'new zealand': 'ap-southeast-6',
  thailand: 'ap-southeast-7',
  melbourne: 'ap-southeast-4',
  mumbai: 'ap-south-1',
  osaka: 'ap-northeast-3',
  'osaka-local': 'ap-northeast-3',
  seoul: 'ap-northeast-2',
  singapore: 'ap-southeast-1',
  sydney: 'ap-southeast-2',
  tokyo: 'ap-northeast-1',
  'canada central': 'ca-central-1',
  calgary: 'ca-west-1',
  frankfurt: 'eu-central-1',
  zurich: 'eu-central-2',
  ireland: 'eu-west-1',
  london: 'eu-west-2',
  paris: 'eu-west-3',
  milan: 'eu-south-1',
  spain: 'eu-south-2',
  stockholm: 'eu-north-1',
  'tel aviv': 'il-central-1',
  bahrain: 'me-south-1',
  uae: 'me-central-1',
  'mexico central': 'mx-central-1',
  'sao paulo': 'sa-east-1',
  beijing: 'cn-north-1',
  ningxia: 'cn-northwest-1',
  'us-east': 'us-gov-east-1',
  'us-west': 'us-gov-west-1',
};

const REGION_CODE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

const simplify = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Resolves an SNS alarm notification's `Region` display name (or an already-coded region) to a region code;
 * `undefined` when the name is not one we know.
 *
 * @example
 * regionCodeFromDisplayName('EU - Ireland'); // 'eu-west-1'
 * regionCodeFromDisplayName('US East (N. Virginia)'); // 'us-east-1'
 */
export function regionCodeFromDisplayName(displayName: string): string | undefined {
  const trimmed = displayName.trim();
  if (REGION_CODE.test(trimmed)) return trimmed;
  const inParens = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(trimmed);
  let area: string;
  let location: string;
  if (inParens) {
    area = inParens[1] ?? '';
    location = inParens[2] ?? '';
  } else {
    const dash = trimmed.lastIndexOf(' - ');
    area = dash >= 0 ? trimmed.slice(0, dash) : '';
    location = dash >= 0 ? trimmed.slice(dash + 3) : trimmed;
  }
  const loc = simplify(location);
  const areaWord = simplify(area).split(' ').at(-1) ?? '';
  // GovCloud names read "AWS GovCloud (US-East)": the location alone is the key.
  return LOCATIONS[`${areaWord} ${loc}`] ?? LOCATIONS[loc];
}
