/**
 * The endpoint tunnel between the platform and a runtime (docs/runtime.md, "Endpoint tunnels"):
 * an HTTP/1.1 Upgrade on `/v1/app/endpoints/{name}/` with the runtime secret. Once the runtime
 * answers 101 the connection is a byte pipe to the app's port, and the platform speaks HTTP to the
 * app over it, keeping it open for the next requests: one HTTP hop (the platform's) instead of two.
 */

/** The `Upgrade` token the platform asks for and the runtime answers with. */
export const ENDPOINT_TUNNEL_PROTOCOL = 'gpuaas-endpoint-tunnel/1';
/** In the 101: the endpoint's base path on the app (the manifest's `path`, no trailing slash). */
export const ENDPOINT_TUNNEL_BASE_HEADER = 'x-gpuaas-endpoint-base';
/** In the 101: the `Host` the app is reached at (`127.0.0.1:<port>`), which requests carry. */
export const ENDPOINT_TUNNEL_AUTHORITY_HEADER = 'x-gpuaas-endpoint-authority';
