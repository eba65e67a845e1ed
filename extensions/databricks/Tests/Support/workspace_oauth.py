"""OAuth machine-to-machine for the Files API stand-in (files_api_server.py).

Imitates a Databricks workspace's OAuth endpoints as databricks-sdk-py uses them
(`databricks/sdk/oauth.py`: `get_workspace_endpoints`, `ClientCredentials`, `retrieve_token`)
and the Databricks docs page "Authorize unattended access to Databricks resources with a
service principal using OAuth" (OAuth M2M):
  GET  /oidc/.well-known/oauth-authorization-server  -> {"token_endpoint": "{host}/oidc/v1/token", ...}
  POST /oidc/v1/token   form grant_type=client_credentials&scope=all-apis, the client id and
                        secret in HTTP basic auth (or as client_id/client_secret form fields)
                        -> {"access_token", "token_type": "Bearer", "expires_in", "scope"}
                        wrong client -> 401 {"error": "invalid_client", "error_description": ...}
Issued tokens are short-lived (--token-lifetime seconds) so tests can outlive one; an expired
or unknown token is refused by the Files API endpoints like any invalid token, 403
{"error_code": 403, "message": "Invalid access token."} (databricks-sdk-go issues #873, #917).
Standard library only.
"""

import base64
import secrets
import time
import urllib.parse


class OAuthIssuer:
    def __init__(self, client_id, client_secret, lifetime):
        self.client_id = client_id
        self.client_secret = client_secret
        self.lifetime = lifetime
        self.tokens = {}  # access token -> expiry (monotonic seconds)
        self.issued = 0

    def metadata(self, base):
        return {
            "issuer": base + "/oidc",
            "authorization_endpoint": base + "/oidc/v1/authorize",
            "token_endpoint": base + "/oidc/v1/token",
            "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def issue(self, headers, body):
        """Returns (status, payload) for a token request."""
        if not self.client_id:
            return 404, {"error": "invalid_request", "error_description": "OAuth is not enabled on this stand-in."}
        if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return 400, {"error": "invalid_request", "error_description": "Expected a form body."}
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return 401, {"error": "invalid_client", "error_description": "Malformed basic credentials."}
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type", "error_description": "Only client_credentials."}
        if form.get("scope") != "all-apis":
            return 400, {"error": "invalid_scope", "error_description": "Expected scope all-apis."}
        token = "dbo-" + secrets.token_hex(16)
        self.tokens[token] = time.monotonic() + self.lifetime
        self.issued += 1
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime, "scope": "all-apis"}

    def valid(self, token):
        expiry = self.tokens.get(token)
        return expiry is not None and time.monotonic() < expiry
