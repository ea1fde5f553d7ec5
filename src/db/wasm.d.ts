// The part of the WebAssembly JS API that schema-engine.ts uses. Node has it at run time, but
// @types/node 20 does not declare it and the DOM library would bring in much that Node lacks.
declare global {
  namespace WebAssembly {
    type Exports = Record<string, unknown>;
    type ModuleImports = Record<string, unknown>;
    function instantiate(
      bytes: Uint8Array,
      imports?: Record<string, ModuleImports>,
    ): Promise<{ instance: { exports: Exports }; module: unknown }>;
  }
}
export {};
