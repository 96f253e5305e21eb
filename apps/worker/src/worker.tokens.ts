export const APP_CONFIG = Symbol('APP_CONFIG');
export const WORKER_ACTIVITIES = Symbol('WORKER_ACTIVITIES');
