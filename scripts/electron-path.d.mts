// Types for electron-path.mjs (plain JS so `npm start` runs without a TypeScript step).
export type FoundElectron = { path: string; source: string; reason?: undefined } | { path?: undefined; source?: undefined; reason: string };
export function electronBinary(root?: string, env?: NodeJS.ProcessEnv): FoundElectron;
export function requiredElectronMajor(root?: string): number | undefined;
