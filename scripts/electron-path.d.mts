// Types for electron-path.mjs (plain JS so `npm start` runs without a TypeScript step).
export function electronBinary(root?: string): { path: string; reason?: undefined } | { path?: undefined; reason: string };
