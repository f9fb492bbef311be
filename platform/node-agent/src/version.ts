/** The agent's version, sent with its registration and in its User-Agent. */
export const AGENT_VERSION = '0.1.0';
