# Imports an existing integration by the id of its Panther API token (shown
# under Settings > API Tokens). The configuration must already hold that
# token's key: the next plan checks that the key belongs to the token.
terraform import panther_integration.iga 6f1c2d9e-3b7a-4c58-9e0f-2a4b8d7c1e35
