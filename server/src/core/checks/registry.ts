// Every rule, one line each. Adding a rule: its file in rules/, a line here, fixtures in
// test/fixtures/rules/<id>/ and a page in docs/rules/<id>.md.
import type { Rule } from './rule';
import { rule as syntax } from './rules/syntax';
import { rule as unknownDirective } from './rules/unknown-directive';
import { rule as directiveNotAllowed } from './rules/directive-not-allowed';
import { rule as blockMismatch } from './rules/block-mismatch';
import { rule as invalidArgumentCount } from './rules/invalid-argument-count';
import { rule as invalidFlagValue } from './rules/invalid-flag-value';
import { rule as invalidValue } from './rules/invalid-value';
import { rule as duplicateDirective } from './rules/duplicate-directive';
import { rule as includeNotFound } from './rules/include-not-found';
import { rule as includeCycle } from './rules/include-cycle';
import { rule as unknownVariable } from './rules/unknown-variable';
import { rule as duplicateLocation } from './rules/duplicate-location';
import { rule as duplicateUpstream } from './rules/duplicate-upstream';
import { rule as duplicateDefaultServer } from './rules/duplicate-default-server';

export const RULES: readonly Rule[] = [
  syntax,
  unknownDirective,
  directiveNotAllowed,
  blockMismatch,
  invalidArgumentCount,
  invalidFlagValue,
  invalidValue,
  duplicateDirective,
  includeNotFound,
  includeCycle,
  unknownVariable,
  duplicateLocation,
  duplicateUpstream,
  duplicateDefaultServer,
];
