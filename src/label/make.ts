import { ReltoError } from '../errors/index.js';
import type { CompiledRegistry } from '../registry/index.js';
import { normaliseLabel, sortedSet } from './normalise.js';
import type { Label } from './schema.js';
import { validateLabel } from './validate.js';

/** What a person asks a label for (`relto label`): the label's parts, each list as given. */
export interface LabelRequest {
  originator: string;
  classification: string;
  /** Absent: the originator only. Present, it names at least one party. */
  releasableTo?: string[];
  caveats?: string[];
  topics?: string[];
  purpose?: string;
  compartments?: string[];
  designations?: string[];
}

/**
 * A label made from a person's request, checked against the registry (every party and level known, the
 * designation the originator's, the caveats ORCON or NOFORN) and in normal form. A repeated value is
 * dropped (it says nothing more); anything else wrong is INVALID_LABEL naming the first problem's place
 * in the label (a JSON Pointer such as /releasableTo/1), with every problem in `details`.
 */
export function makeLabel(reg: CompiledRegistry, request: LabelRequest): Label {
  if (request.releasableTo !== undefined && request.releasableTo.length === 0) {
    throw new ReltoError(
      'INVALID_LABEL',
      'releasable to: name at least one party, or leave it out for the originator only',
      '/releasableTo',
    );
  }
  const label: Label = { originator: request.originator, classification: request.classification };
  if (request.releasableTo) label.releasableTo = sortedSet(request.releasableTo);
  if (request.caveats?.length) label.caveats = sortedSet(request.caveats) as Label['caveats'];
  if (request.topics?.length) label.topics = sortedSet(request.topics);
  if (request.purpose !== undefined) label.purpose = request.purpose;
  const restrictive: Record<string, string[]> = {};
  if (request.compartments?.length) restrictive.Compartment = sortedSet(request.compartments);
  if (request.designations?.length) restrictive.Designation = sortedSet(request.designations);
  if (Object.keys(restrictive).length > 0) label.restrictive = restrictive;
  const problems = validateLabel(reg, label);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new ReltoError('INVALID_LABEL', first.message, first.path, problems);
  }
  return normaliseLabel(label);
}
