# Imports an existing integration with an import block (Terraform 1.5 or
# later), by the id of its Panther API token.
import {
  to = panther_integration.iga
  id = "6f1c2d9e-3b7a-4c58-9e0f-2a4b8d7c1e35"
}
