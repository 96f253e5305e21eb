export { loadConfig, ConfigError, type AppConfig, type Env } from './config';
