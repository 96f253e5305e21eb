// Fault drills start services and kill processes: give each test five minutes.
jest.setTimeout(300_000);
