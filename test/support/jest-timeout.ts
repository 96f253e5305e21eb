// Integration and end-to-end tests start workers and talk to real servers: give each test two minutes
// (`testTimeout` is a global jest option and does not apply per project).
jest.setTimeout(120_000);
