export { hasTool, isCi, requireTools } from './tools.js';
