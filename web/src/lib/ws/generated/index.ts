// generated from schema/ by `make gen`, do not edit
export type * from "./types";
export * from "./guards";
export type { ValidationError, Validator } from "./validators.js";
export * as validators from "./validators.js";
