/**
 * Unsafe-tier edits on list-valued settings: dropping third-party substituters and
 * narrowing trusted-users to root. They change behaviour on purpose; callers say why.
 */
import type { TextEdit } from '../../core/text-edit.js';
import type { FileModel } from '../../model/types.js';
import { isOfficialSubstituter } from '../checks/util.js';
import type { SettingView, Word } from '../../model/setting-views.js';
import { literalWord, removeWordEdit, renameDeprecated } from './setting-edits.js';

function settingOf(file: FileModel, view: SettingView) {
  return file.settings.find((s) => s.span.startOffset === view.span.startOffset && s.keySpan.startOffset === view.keySpan.startOffset);
}

/** `trusted-users = [ "root" ]` (or `root` in nix.conf syntax), replacing the whole value. */
export function trustOnlyRootEdits(file: FileModel, view: SettingView): TextEdit[] | undefined {
  if (view.origin === 'command-line-flag' || view.unknown || view.words.length === 0) return undefined;
  if (!view.words.every((w) => literalWord(file, w))) return undefined;
  const setting = settingOf(file, view);
  const edits: TextEdit[] = [];
  if (setting?.value.kind === 'list' && (view.origin === 'nix.settings' || view.origin === 'deprecated-option')) {
    edits.push({ file: file.file, startOffset: setting.value.span.startOffset, endOffset: setting.value.span.endOffset, replacement: '[ "root" ]' });
  } else {
    const first = view.words[0]!.span.startOffset;
    const last = view.words[view.words.length - 1]!.span.endOffset;
    // Only when every word is inside one string / line: otherwise the range would swallow syntax.
    if (/["\n]/.test(file.text.slice(first, last))) return undefined;
    edits.push({ file: file.file, startOffset: first, endOffset: last, replacement: 'root' });
  }
  const rename = renameDeprecated(file, view);
  if (rename) edits.push(rename);
  return edits;
}

/**
 * Removes a third-party substituter. When it is the first of a `substituters` value
 * (not `extra-`) that names no official cache at all, it is replaced by the official cache
 * instead, so the fix never leaves a machine with no substituter.
 */
export function removeSubstituterEdit(file: FileModel, view: SettingView, w: Word, official: readonly string[]): TextEdit | undefined {
  if (view.origin === 'command-line-flag' || !literalWord(file, w)) return undefined;
  const onlyThirdParty = view.key === 'substituters' && !view.append && !view.unknown && view.words.every((x) => !isOfficialSubstituter(x.text, official));
  if (onlyThirdParty && view.words[0] === w && official[0]) {
    return { file: file.file, startOffset: w.span.startOffset, endOffset: w.span.endOffset, replacement: official[0] };
  }
  return removeWordEdit(file, view, w);
}
