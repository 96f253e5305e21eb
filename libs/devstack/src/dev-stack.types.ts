/** Where the dev stack writes its one-line-per-service messages (console.log by default). */
export type DevStackLog = (line: string) => void;
