// Editing features of the pure core: completion, hover, outline, navigation, formatting, folding
// and selection ranges. The language server converts their offsets to LSP positions.
export { cursorAt, fileContext, enclosingBlocks, contextOf, type Cursor } from './cursor';
export { complete, type CompletionEntry, type CompletionInput, type CompletionKind } from './completion';
export { hover, locationMarkdown, locationArgs, type HoverInput, type HoverResult } from './hover';
export { directiveMarkdown, builtinVariableMarkdown, directiveNote, variableNote, pickRecord } from './docs';
export { directiveSnippet, escapeSnippet } from './snippets';
export { documentSymbols, setSymbols, fuzzyMatch, type OutlineEntry, type OutlineKind, type WorkspaceSymbol } from './symbols';
export {
  symbolAt, definitions, references, includeTargets, includesOf, passTarget, upstreamHost, variableSpans,
  isValidUpstreamName, dedupeSpans, PASS_DIRECTIVES, type Span, type SymbolAt, type RefKind,
} from './refs';
export { formatText, formatDocument, applyFormatEdits, type FormatOptions, type FormatEdit, type FormatResult } from './format';
export { foldingRanges, selectionRanges, type FoldRange } from './ranges';
