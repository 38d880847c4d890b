// The edit engine: TextEdits → new text → guard → diff → atomic write.
export type { TextEdit, Fix, FixTier } from '../core/text-edit.js';
export { editFromSpan } from '../core/text-edit.js';
export { applyEdits, sortAndCheck } from './apply.js';
export { unifiedDiff } from './diff.js';
export { writeFileAtomic } from '../core/fs.js';
export type { AtomicWriteOptions } from '../core/fs.js';
export { planFileEdits, writePlannedEdits } from './plan.js';
export type { EditGuard, FileEditResult, PlanOptions } from './plan.js';
export { nixGuard, jsonGuard, guardForFile } from './guards.js';
export type { NixParseFn } from './guards.js';
export { replaceJsonValue, insertJsonKeyAfter, jsonLiteral, indentUnit } from './json-edits.js';
export type { OffsetSpan } from './json-edits.js';
