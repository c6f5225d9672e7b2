/** @type {import('next').NextConfig} */
const nextConfig = {
  // Database drivers load native sockets and WASM files from their own package folders: keep them out of the bundle.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'prom-client'],
  poweredByHeader: false,
  reactStrictMode: true,
  // Security headers (no framing, no sniffing) are set for every response by server/serve/app-server.ts.
};

export default nextConfig;
