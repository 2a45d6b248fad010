/** The package's name and version (package.json is the single source of truth). */
import { PACKAGE_JSON } from './paths.js';

export const TOOL_NAME: string = PACKAGE_JSON.name;
export const TOOL_VERSION: string = PACKAGE_JSON.version;
