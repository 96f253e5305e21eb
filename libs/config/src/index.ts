export { loadConfig, ConfigError, type AppConfig, type Env } from './config';
export { nestLogLevels } from './log-levels';
