/** @type {import('next').NextConfig} */
const nextConfig = {
  // Database drivers load native sockets and WASM files from their own package folders: keep them out of the bundle.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'prom-client'],
  poweredByHeader: false,
  reactStrictMode: true,
  // The console is never framed (clickjacking) and its responses are never content-sniffed.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'" },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
