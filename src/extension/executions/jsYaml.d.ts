// Compile-time only: the few js-yaml 4 entry points sourceLinkSam.ts uses (the package ships no types).
declare module 'js-yaml' {
  export type TypeKind = 'scalar' | 'sequence' | 'mapping';
  export class Type {
    constructor(tag: string, options: { kind: TypeKind; construct?: (data: unknown) => unknown });
  }
  export class Schema {
    extend(types: Type[]): Schema;
  }
  export const DEFAULT_SCHEMA: Schema;
  export class YAMLException extends Error {
    reason: string;
    mark?: { line: number; column: number };
  }
  export function load(text: string, options?: { schema?: Schema; filename?: string; json?: boolean }): unknown;
}
