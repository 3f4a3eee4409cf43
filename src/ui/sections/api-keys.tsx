import { SCOPES } from "../../auth/scopes";
import type { DashboardSection, Viewer } from "./types";

function NewKeyForm() {
  return (
    <form class="panel-form" data-testid="key-create-form" id="key-create-form" novalidate hidden>
      <h3>New API key</h3>
      <div class="form-grid">
        <div>
          <label for="key-name">Name</label>
          <input
            id="key-name"
            name="name"
            maxlength={100}
            placeholder="e.g. CRM Integration"
            autocomplete="off"
            data-testid="key-name"
          />
        </div>
        <div>
          <label for="key-environment">Environment</label>
          <select id="key-environment" name="environment" data-testid="key-environment-select">
            <option value="production">Production — for live applications</option>
            <option value="test">Test — for development and testing</option>
          </select>
        </div>
        <div class="span-all">
          <label for="key-description">
            Description <span class="hint">(optional)</span>
          </label>
          <input
            id="key-description"
            name="description"
            maxlength={500}
            placeholder="What uses this key?"
            autocomplete="off"
            data-testid="key-description"
          />
        </div>
      </div>
      <details class="scopes" data-testid="key-scopes">
        <summary>
          Restrict scopes{" "}
          <span class="hint">(optional — without a choice the key can use every scope)</span>
        </summary>
        <div class="check-grid">
          {SCOPES.map((scope) => (
            <label class="check">
              <input type="checkbox" name="scopes" value={scope} data-testid="key-scope" />
              <code>{scope}</code>
            </label>
          ))}
        </div>
      </details>
      <div class="alert alert-error" data-testid="key-create-error" role="alert" hidden />
      <div class="actions">
        <button type="submit" class="primary" data-testid="key-create-submit">
          Create
        </button>
        <button type="button" data-testid="key-create-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}

function ApiKeysSection({ viewer }: { viewer: Viewer }) {
  const isAdmin = viewer.user.role === "admin";
  return (
    <section id="api-keys" class="card" data-testid="api-keys-section">
      <div class="card-head">
        <h2>API keys</h2>
        {isAdmin ? (
          <button
            type="button"
            class="primary"
            data-testid="key-new-button"
            aria-controls="key-create-form"
            aria-expanded="false"
          >
            New API Key
          </button>
        ) : null}
      </div>
      <p class="muted">
        API keys let your own applications send messages, place calls and manage contacts. Send a
        key as <code>Authorization: Bearer sk_…</code>. Use test keys during development, a separate
        key per integration, and rotate production keys periodically.
      </p>
      <div class="alert alert-ok" data-testid="key-notice" role="status" hidden />
      <div class="alert alert-error" data-testid="key-error" role="alert" hidden />
      <div data-testid="key-reveal" hidden />
      {isAdmin ? <NewKeyForm /> : null}
      <div class="table-wrap">
        <table data-testid="key-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Environment</th>
              <th>Key</th>
              <th>Last used</th>
              <th>Created</th>
              <th>Status</th>
              {isAdmin ? (
                <th>
                  <span class="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody data-testid="key-list" />
        </table>
      </div>
      <p class="muted" data-testid="key-status">
        Loading…
      </p>
      <button type="button" data-testid="key-more" hidden>
        Load more
      </button>
      {isAdmin ? null : (
        <p class="muted" data-testid="key-admin-only">
          Only account admins can create, rotate or delete API keys.
        </p>
      )}
    </section>
  );
}

export const apiKeysSection: DashboardSection = {
  id: "api-keys",
  title: "API keys",
  render: (viewer) => <ApiKeysSection viewer={viewer} />,
};
