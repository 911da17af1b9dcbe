// Sizes, alignments and offsets as gcc lays them out on x86-64 (System V ABI): each member at
// the next multiple of its alignment; bit-fields packed into units of their declared type, a
// field that would straddle a unit boundary moved to the next unit; unnamed bit-fields never
// raise the record's alignment, a zero-width one aligns the next field to its type; packed
// makes every member's alignment 1 (bit-fields then run on at the next bit) unless the member
// says aligned(N); aligned(N) raises alignment (on a packed member it sets it); the record's
// size is rounded up to its alignment. test/property/layout-gcc.test.ts checks all this against gcc.
import type { ArrayType, CType, EnumType, IntegerType, Member, RecordType } from './types';

/** Bit positions must stay exact doubles: records up to 2^50 bytes. */
export const MAX_OBJECT_BYTES = 2 ** 50;

export interface MemberDeclaration {
  name: string | undefined;
  type: CType;
  bitWidth?: number;
  /** __attribute__((packed)) on the member. */
  packed: boolean;
  /** aligned(N) / _Alignas(N) on the member, in bytes. */
  aligned?: number;
}

export interface RecordAttributes { packed: boolean; aligned?: number }

const roundUp = (value: number, multiple: number): number => Math.ceil(value / multiple) * multiple;

/** The alignment of a non-bit-field member. */
function memberAlign(member: MemberDeclaration, packed: boolean): number {
  if (packed) return member.aligned ?? 1;
  return Math.max(member.type.align, member.aligned ?? 1);
}

/** Lays out a struct or union; throws a plain Error (the parser adds the location) when too large. */
export function layoutRecord(union: boolean, name: string, declarations: readonly MemberDeclaration[], attributes: RecordAttributes): RecordType {
  const members: Member[] = [];
  let bit = 0; // struct: next free bit; union: largest member so far, in bits
  let align = 1;
  for (const declaration of declarations) {
    const packed = attributes.packed || declaration.packed;
    const { type } = declaration;
    if (declaration.bitWidth !== undefined) {
      const width = declaration.bitWidth;
      const unitBits = type.align * 8;
      if (width === 0) {
        // Not influenced by packing; aligns what follows, not the record.
        if (!union) bit = roundUp(bit, unitBits);
        continue;
      }
      let at = union ? 0 : bit;
      if (declaration.aligned !== undefined) at = roundUp(at, declaration.aligned * 8);
      if (!packed && (at % unitBits) + width > type.size * 8) at = roundUp(at, unitBits);
      if (declaration.name !== undefined) {
        align = Math.max(align, packed ? 1 : type.align, declaration.aligned ?? 1);
        members.push({ name: declaration.name, type, offset: Math.floor(at / 8), bitField: { width, bitOffset: at } });
      }
      bit = union ? Math.max(bit, roundUp(width, 8)) : at + width;
    } else {
      const memberAlignment = memberAlign(declaration, packed);
      align = Math.max(align, memberAlignment);
      const at = union ? 0 : roundUp(bit, memberAlignment * 8);
      members.push({ name: declaration.name, type, offset: at / 8 });
      bit = union ? Math.max(bit, type.size * 8) : at + type.size * 8;
    }
    if (bit / 8 > MAX_OBJECT_BYTES) throw new Error(`${name} is larger than ${MAX_OBJECT_BYTES} bytes`);
  }
  align = Math.max(align, attributes.aligned ?? 1);
  return { kind: 'record', union, name, members, size: roundUp(Math.ceil(bit / 8), align), align };
}

/** Splits "int[2][3]" style names: the element's base name and its dimensions. */
function baseAndDimensions(type: CType): [string, string] {
  if (type.kind !== 'array') return [type.name, ''];
  const [base, dimensions] = baseAndDimensions(type.element);
  return [base, `[${type.length}]${dimensions}`];
}

export function arrayOf(element: CType, length: number): ArrayType {
  // gcc refuses it too: element i would not be aligned (typedef int t __attribute__((aligned(8)))).
  if (element.size % element.align !== 0) throw new Error(`alignment of array elements (${element.align}) is greater than element size (${element.size})`);
  const size = element.size * length;
  const [base, dimensions] = baseAndDimensions(element);
  if (size > MAX_OBJECT_BYTES) throw new Error(`array of ${length} × ${element.size} bytes is larger than ${MAX_OBJECT_BYTES} bytes`);
  return { kind: 'array', name: `${base}[${length}]${dimensions}`, element, length, size, align: element.align };
}

export function integer(name: string, size: number, signed: boolean, extra: Partial<Pick<IntegerType, 'bool' | 'char'>> = {}): IntegerType {
  return { kind: 'int', name, size, align: size, signed, bool: extra.bool ?? false, char: extra.char ?? false };
}

/** gcc's underlying type for an enum: unsigned int when every value fits and none is negative,
 *  int when some are negative, 8 bytes past that; packed: the smallest integer that holds them. */
export function enumType(name: string, values: { name: string; value: bigint }[], packed: boolean): EnumType {
  const min = values.reduce((m, v) => (v.value < m ? v.value : m), 0n);
  const max = values.reduce((m, v) => (v.value > m ? v.value : m), 0n);
  const signed = min < 0n;
  const fits = (bytes: number): boolean => {
    const bits = BigInt(bytes * 8);
    return signed ? min >= -(1n << (bits - 1n)) && max < 1n << (bits - 1n) : max < 1n << bits;
  };
  const sizes = packed ? [1, 2, 4, 8] : [4, 8];
  const size = sizes.find(fits);
  if (size === undefined) throw new Error(`enumerator values of ${name} do not fit in 64 bits`);
  return { kind: 'enum', name, size, align: size, signed, values };
}
