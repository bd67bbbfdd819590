import type { Command } from 'commander';
import { ReltoError } from '../errors/index.js';
import { makeLabel } from '../label/index.js';
import { labelToMarking } from '../stix/index.js';
import { registryFrom } from './input.js';
import { collect, list } from './option-values.js';
import { action, printJson } from './output.js';

/* `relto label` loads the registry, the label checks and the marking code only: no store, no server. */

/** The option that gave each part of the label, so an error names what the person typed. */
const optionOf: [string, string][] = [
  ['/originator', '--originator'],
  ['/classification', '--classification'],
  ['/releasableTo', '--releasable-to'],
  ['/caveats', '--caveat'],
  ['/topics', '--topic'],
  ['/purpose', '--purpose'],
  ['/restrictive/Compartment', '--compartment'],
  ['/restrictive/Designation', '--designation'],
];

interface LabelOptions {
  originator: string;
  classification: string;
  releasableTo?: string[];
  caveat?: string[];
  topic?: string[];
  purpose?: string;
  compartment?: string[];
  designation?: string[];
  registry?: string;
}

/** `relto label …` (contracts §5): the label's marking-definition in normal form, for a STIX bundle. */
export function registerLabel(program: Command): void {
  program
    .command('label')
    .description(
      "print a label's marking-definition (sorted lists, the id derived from its content, the fixed " +
        "created, the originator's identity): put it in a bundle and name its id in object_marking_refs",
    )
    .requiredOption('--originator <party>', 'the party whose information it is, e.g. KOR')
    .requiredOption('--classification <level>', "a level of the originator's scheme, e.g. II")
    .option(
      '--releasable-to <parties>',
      'comma-separated parties that may read it, e.g. KOR,JPN (leave out for the originator only)',
      list,
    )
    .option('--caveat <caveat>', 'ORCON or NOFORN (repeatable)', collect)
    .option('--topic <topic>', 'a topic, e.g. DPRK-MISSILE (repeatable)', collect)
    .option('--purpose <text>', 'the purpose it may be used for (compared exactly)')
    .option('--compartment <value>', 'a need-to-know compartment, e.g. BMD (repeatable)', collect)
    .option('--designation <id>', "a designation of the originator's law, e.g. TOKUTEI (repeatable)", collect)
    .option('--registry <file>', 'a registry replacing the built-in one')
    .action(
      action((opts: LabelOptions) => {
        const reg = registryFrom(opts.registry);
        try {
          const label = makeLabel(reg, {
            originator: opts.originator,
            classification: opts.classification,
            ...(opts.releasableTo !== undefined ? { releasableTo: opts.releasableTo } : {}),
            ...(opts.caveat ? { caveats: opts.caveat } : {}),
            ...(opts.topic ? { topics: opts.topic } : {}),
            ...(opts.purpose !== undefined ? { purpose: opts.purpose } : {}),
            ...(opts.compartment ? { compartments: opts.compartment } : {}),
            ...(opts.designation ? { designations: opts.designation } : {}),
          });
          printJson(labelToMarking(label));
        } catch (e) {
          if (!(e instanceof ReltoError)) throw e;
          const flag = optionOf.find(([p]) => e.path === p || e.path.startsWith(`${p}/`))?.[1];
          throw new ReltoError(e.code, flag ? `${flag}: ${e.message}` : e.message, e.path, e.details);
        }
      }),
    );
}
