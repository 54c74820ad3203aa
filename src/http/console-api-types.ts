// Hands the API's route types (api/resources.ts) to the console's client: the console may not
// import api/ (it uses only the public API), and http/ is the one place that knows both. Types
// only; nothing here runs.
import type { ApiSchema } from '../api/resources.ts';

declare module '../console/api-operations.ts' {
  interface ApiTypes {
    schema: ApiSchema;
  }
}
