// The layout model: C types with their x86-64 System V size and alignment already worked out.
// Pure data (no Node, no DOM), so the CLI and the renderer share it.

/** Where something was written: "layout.h", line and column counted from 1. */
export interface SourceLocation { file: string; line: number; column: number }

export interface IntegerType {
  kind: 'int';
  /** As written after resolving typedefs to a base: "int", "unsigned long", "uint8_t", "_Bool". */
  name: string;
  size: number;
  align: number;
  signed: boolean;
  /** _Bool / bool: shown as true/false. */
  bool: boolean;
  /** Spelled with the keyword char (plain, signed or unsigned): arrays of it are text. */
  char: boolean;
}

export interface FloatType { kind: 'float'; name: string; size: 4 | 8; align: number }

export interface PointerType { kind: 'pointer'; name: string; size: 8; align: number }

export interface EnumType {
  kind: 'enum';
  name: string;
  size: number;
  align: number;
  signed: boolean;
  /** Enumerators in declaration order (values as bigint: an enum may go past 2^53). */
  values: readonly { name: string; value: bigint }[];
}

export interface ArrayType { kind: 'array'; name: string; element: CType; length: number; size: number; align: number }

export interface Member {
  /** Undefined for an anonymous struct/union member or an unnamed bit-field. */
  name: string | undefined;
  type: CType;
  /** Byte offset from the start of the enclosing record (for a bit-field: of the byte holding its first bit). */
  offset: number;
  /** Bit-fields only: width in bits and position counted from the record's first bit (little-endian). */
  bitField?: { width: number; bitOffset: number };
}

export interface RecordType {
  kind: 'record';
  union: boolean;
  /** "struct point", "union value", or "struct <anonymous>". */
  name: string;
  members: readonly Member[];
  size: number;
  align: number;
}

export type CType = IntegerType | FloatType | PointerType | EnumType | ArrayType | RecordType;

/** A named type the declarations define: a tag ("struct S") or a typedef. */
export interface NamedType { name: string; type: CType; location: SourceLocation }

/** What a header yields: every struct/union/enum tag and typedef, in order of definition. */
export interface Declarations { types: readonly NamedType[] }
