// Style sheets imported for their side effect: esbuild bundles them into desk.css.
declare module '*.css';
