// C declarations → layouts → values. Pure TypeScript (no Node, no DOM): the CLI and the
// renderer both use it. The bottom layer: imports nothing from main/, preload/ or renderer/.
export { parseDeclarations, MAX_SOURCE_CHARS } from './parser';
export { decode, fieldCount, cText, type DecodedField, type DecodedValue, type DecodeOptions } from './decode';
export { LayoutError } from './errors';
export { findType, recordTypes } from './lookup';
export { layoutRows, type LayoutRow } from './rows';
export type { CType, Declarations, Member, NamedType, RecordType, SourceLocation } from './types';
