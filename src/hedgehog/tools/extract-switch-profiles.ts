/**
 * Developer tool (not used at run time): regenerates ../switch-profile-data.ts from the Go
 * SwitchProfile literals in a githedgehog/fabric checkout, so the catalog follows a new release.
 *
 *   npx tsx src/hedgehog/tools/extract-switch-profiles.ts <git dir> [commit] [fabric path] > src/hedgehog/switch-profile-data.ts
 *
 * `fabric path` is where the fabric module sits in that repository: empty for a githedgehog/fabric
 * checkout, `vendor/go.githedgehog.com/fabric/` for a githedgehog/fabricator one (the fabric API
 * release hhfab actually runs).
 *
 * It reads `pkg/ctrl/switchprofile/p_*.go` with `git show`, parses the composite literals with a
 * small tokenizer (enough for these files: strings, numbers, booleans, identifiers, maps, slices,
 * references to other profiles and the `lo.OmitBy` filters the virtual profiles use).
 */
import { execFileSync } from 'node:child_process';

type Value =
  | string
  | number
  | boolean
  | Value[]
  | { [key: string]: Value }
  | { $ref: string }
  | { $call: string; $args: string };
type Token = { t: string; v?: string };
type GoObject = { [key: string]: Value };

const [gitDir, commit = 'HEAD', fabricPath = ''] = process.argv.slice(2);
if (!gitDir) {
  process.stderr.write('usage: extract-switch-profiles.ts <git dir> [commit] [fabric path]\n');
  process.exit(2);
}
const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir, ...args]).toString();
const CONSTANTS: Record<string, string> = {
  'meta.SwitchProfileVS': 'vs',
  'meta.SwitchProfileVSCLSP': 'vs-clsp',
  'meta.SwitchProfileCmlsVX': 'cumulus-vx',
};

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (source.startsWith('//', index)) {
      while (index < source.length && source[index] !== '\n') index++;
      continue;
    }
    if (char === '"') {
      let end = index + 1;
      while (source[end] !== '"') end += source[end] === '\\' ? 2 : 1;
      tokens.push({ t: 'str', v: JSON.parse(source.slice(index, end + 1)) as string });
      index = end + 1;
      continue;
    }
    if ('{}[](),:&!=*'.includes(char)) {
      tokens.push({ t: char });
      index++;
      continue;
    }
    const word = /^[A-Za-z0-9_.]+/.exec(source.slice(index));
    if (!word) throw new Error(`unexpected ${JSON.stringify(source.slice(index, index + 40))}`);
    tokens.push({ t: 'id', v: word[0] });
    index += word[0].length;
  }
  return tokens;
}

function parse(tokens: Token[]): Value {
  let position = 0;
  const peek = () => tokens[position]!;
  const next = () => tokens[position++]!;
  const composite = (): Value => {
    next(); // {
    const object: GoObject = {};
    const list: Value[] = [];
    let keyed = false;
    while (peek().t !== '}') {
      const item = value();
      if (peek().t === ':') {
        next();
        keyed = true;
        const key =
          typeof item === 'object' && !Array.isArray(item) && '$ref' in item ? String(item.$ref) : String(item);
        object[key] = value();
      } else {
        list.push(item);
      }
      if (peek().t === ',') next();
    }
    next();
    return keyed ? object : list;
  };
  const value = (): Value => {
    if (peek().t === '{') return composite();
    let token = next();
    if (token.t === 'str') return token.v!;
    if (token.t === '&') token = next();
    if (token.t === '[') {
      next();
      next();
      return composite();
    } // []T{
    if (token.t !== 'id') throw new Error(`unexpected token ${JSON.stringify(token)}`);
    const word = token.v!;
    if (word === 'map') {
      next();
      next();
      next();
      next();
      return composite();
    } // map[string]T{
    if (/^\d+$/.test(word)) return Number(word);
    if (word === 'true' || word === 'false') return word === 'true';
    if (peek().t === '{') return composite();
    if (peek().t === '(') {
      let depth = 0;
      const start = position;
      do {
        const inner = next();
        if (inner.t === '(') depth++;
        if (inner.t === ')') depth--;
      } while (depth > 0);
      return {
        $call: word,
        $args: tokens
          .slice(start, position)
          .map((inner) => inner.v ?? inner.t)
          .join(' '),
      };
    }
    return CONSTANTS[word] ?? { $ref: word };
  };
  return value();
}

const files = git('ls-tree', '--name-only', commit, `${fabricPath}pkg/ctrl/switchprofile/`)
  .trim()
  .split('\n')
  .filter((file) => /\/p_[^/]*\.go$/.test(file));
const raw: Record<string, GoObject> = {};
/** Which catalog a profile belongs to (switchprofile.RegisterAll adds CLS+ and Cumulus ones only when the config includes them). */
const families: Record<string, 'bcm' | 'clsp' | 'cumulus'> = {};
for (const file of files) {
  const source = git('show', `${commit}:${file}`).replace(/" \+ wiringapi\.NonBreakoutPortExceptionSuffix/g, '-nb"');
  const match = /^var (\w+) = wiringapi\.SwitchProfile\{/m.exec(source);
  if (!match) continue;
  raw[match[1]!] = parse(tokenize(source.slice(match.index + match[0].length - 1))) as GoObject;
  families[match[1]!] = /\/p_clsp_/.test(file) ? 'clsp' : /\/p_cmls_/.test(file) ? 'cumulus' : 'bcm';
}

function resolve(value: Value): Value {
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  if ('$ref' in value) {
    const [variable, ...path] = (value.$ref as string).split('.');
    let node: Value | undefined = raw[variable!];
    if (!node) return value.$ref as string;
    for (const key of path) node = (node as GoObject)[key];
    return resolve(node!);
  }
  if ('$call' in value) {
    // lo.OmitBy(X.Spec.Ports, ... p.BaseNOSName != "") / lo.OmitBy(X.Spec.PortProfiles, ... pp.Breakout != nil)
    const args = value.$args as string;
    const [, variable, field] = /(\w+)\.Spec\.(\w+)/.exec(args)!;
    const source = (raw[variable!]!.Spec as GoObject)[field!] as GoObject;
    return Object.fromEntries(
      Object.entries(source).filter(([, entry]) => {
        const item = entry as GoObject;
        return !(args.includes('BaseNOSName') && item.BaseNOSName) && !(args.includes('Breakout') && item.Breakout);
      }),
    );
  }
  return value;
}

const FEATURE_NAMES: Record<string, string> = {
  Subinterfaces: 'subinterfaces',
  ACLs: 'acls',
  L2VNI: 'l2vni',
  L3VNI: 'l3vni',
  RoCE: 'roce',
  MCLAG: 'mclag',
  ESLAG: 'eslag',
  ECMPRoCEQPN: 'ecmpRoCEQPN',
  PortLocator: 'portLocator',
};
const profiles = Object.entries(raw)
  .map(([variable, profile]) => {
    const spec = profile.Spec as GoObject;
    for (const key of Object.keys(spec)) spec[key] = resolve(spec[key]!);
    const ports = Object.fromEntries(
      Object.entries(spec.Ports as GoObject).map(([name, entry]) => {
        const port = entry as GoObject;
        return [
          name,
          {
            ...(port.Management ? { management: true } : {}),
            ...(port.Profile ? { profile: port.Profile } : {}),
            ...(port.Group ? { group: port.Group } : {}),
            ...(port.Pipeline ? { pipeline: port.Pipeline } : {}),
          },
        ];
      }),
    );
    const portProfiles = Object.fromEntries(
      Object.entries((spec.PortProfiles ?? {}) as GoObject).map(([name, entry]) => {
        const portProfile = entry as GoObject;
        const speed = portProfile.Speed as GoObject | undefined;
        const breakout = portProfile.Breakout as GoObject | undefined;
        return [
          name,
          {
            ...(speed ? { speed: { default: speed.Default, supported: speed.Supported } } : {}),
            ...(breakout
              ? {
                  breakout: {
                    default: breakout.Default,
                    supported: Object.fromEntries(
                      Object.entries(breakout.Supported as GoObject).map(([mode, offsets]) => [
                        mode,
                        ((offsets as GoObject).Offsets as Value[]).length,
                      ]),
                    ),
                  },
                }
              : {}),
            ...(portProfile.AutoNegAllowed ? { autoNegAllowed: true } : {}),
          },
        ];
      }),
    );
    const pipelines = Object.fromEntries(
      Object.entries((spec.Pipelines ?? {}) as GoObject).map(([name, entry]) => [name, (entry as GoObject).MaxPorts]),
    );
    return {
      name: resolve((profile.ObjectMeta as GoObject).Name!),
      displayName: spec.DisplayName,
      family: families[variable],
      features: {
        ...Object.fromEntries(Object.values(FEATURE_NAMES).map((name) => [name, false])),
        ...Object.fromEntries(
          Object.entries(spec.Features as GoObject).map(([key, enabled]) => [FEATURE_NAMES[key] ?? key, enabled]),
        ),
      },
      ports,
      portGroups: Object.fromEntries(
        Object.entries((spec.PortGroups ?? {}) as GoObject).map(([name, group]) => [
          name,
          { profile: (group as GoObject).Profile },
        ]),
      ),
      portProfiles,
      ...(spec.MaxPorts ? { maxPorts: spec.MaxPorts } : {}),
      ...(Object.keys(pipelines).length > 0 ? { pipelines } : {}),
    };
  })
  .sort((a, b) => String(a.name).localeCompare(String(b.name)));

const head = git('rev-parse', commit).trim();
process.stdout.write(`/**
 * Built-in SwitchProfiles (read-only catalog), generated from ${fabricPath}pkg/ctrl/switchprofile/p_*.go
 * at commit ${head}
 * by tools/extract-switch-profiles.ts. Only what validation needs: features, ports, port groups,
 * port profiles (speeds; breakout modes with their sub-port counts), port limits.
 * Do not edit by hand; regenerate when the fabric release changes.
 */
import type { SwitchProfileData } from './switch-profile-types.ts';

export const BUILT_IN_SWITCH_PROFILES: readonly SwitchProfileData[] = [
${profiles.map((profile) => `  ${JSON.stringify(profile)},`).join('\n')}
];
`);
