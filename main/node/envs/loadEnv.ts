/** The envs folder's entry points for callers outside it (CLI, services). */
export { loadEnvDir, type LoadEnvOptions } from './loadEnvDir';
export { checkEnvDir, type EnvCheckResult } from './checkEnvDir';
export { EnvRegistry, type EnvRegistryOptions } from './EnvRegistry';
export { EnvInvalidError } from './EnvInvalidError';
export { resolvePython } from './resolvePython';
