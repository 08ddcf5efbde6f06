export { removePgliteTemplate as default } from './pglite-template';
