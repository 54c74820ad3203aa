/**
 * A parsed JSON answer, typed as JSON.parse types it: tests check its shape with `expect`,
 * which is where a wrong shape fails (see the test override in eslint.config.js).
 */
export type JsonBody = ReturnType<typeof JSON.parse>;
