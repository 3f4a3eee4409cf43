import type { DashboardSection, PageSettings, Viewer } from "./types";

function AddWebhookForm({ settings }: { settings: PageSettings }) {
  return (
    <form
      class="panel-form"
      data-testid="webhook-create-form"
      id="webhook-create-form"
      novalidate
      hidden
    >
      <h3>Add a webhook</h3>
      <label for="webhook-url">Endpoint URL</label>
      <input
        id="webhook-url"
        name="url"
        type="url"
        inputmode="url"
        maxlength={2048}
        placeholder={
          settings.allowPrivateWebhookUrls
            ? "http://localhost:3000/webhooks"
            : "https://example.com/webhooks/switchboard"
        }
        autocomplete="off"
        data-testid="webhook-url-input"
      />
      <p class="hint" data-testid="webhook-url-hint">
        {settings.allowPrivateWebhookUrls
          ? "HTTPS, or http:// and private addresses such as localhost (allowed on this deployment for local development)."
          : "Must be a public HTTPS URL."}{" "}
        Switchboard sends a signed JSON <code>POST</code> here for every event you select.
      </p>
      <fieldset class="events-fieldset">
        <legend>Events to send</legend>
        <div class="check-grid" data-testid="webhook-create-events">
          <span class="muted">Loading event types…</span>
        </div>
      </fieldset>
      <label for="webhook-description">
        Description <span class="hint">(optional)</span>
      </label>
      <input
        id="webhook-description"
        name="description"
        maxlength={500}
        placeholder="e.g. CRM sync"
        autocomplete="off"
        data-testid="webhook-description-input"
      />
      <details class="scopes">
        <summary>
          Advanced <span class="hint">(optional)</span>
        </summary>
        <div class="form-grid">
          <div>
            <label for="webhook-secret">
              Signing secret <span class="hint">(blank: we generate one)</span>
            </label>
            <input
              id="webhook-secret"
              name="secret"
              type="password"
              autocomplete="off"
              data-testid="webhook-secret-input"
            />
          </div>
          <div>
            <label for="webhook-client-secret">
              Client secret <span class="hint">(sent as Authorization: Bearer …)</span>
            </label>
            <input
              id="webhook-client-secret"
              name="client_secret"
              type="password"
              autocomplete="off"
              data-testid="webhook-client-secret-input"
            />
          </div>
        </div>
      </details>
      <div class="alert alert-error" data-testid="webhook-create-error" role="alert" hidden />
      <div class="actions">
        <button type="submit" class="primary" data-testid="webhook-create-submit">
          Save
        </button>
        <button type="button" data-testid="webhook-create-cancel">
          Cancel
        </button>
      </div>
    </form>
  );
}

function WebhooksSection({ viewer, settings }: { viewer: Viewer; settings: PageSettings }) {
  const isAdmin = viewer.user.role === "admin";
  return (
    <section id="webhooks" class="card" data-testid="webhooks-section">
      <div class="card-head">
        <h2>Webhooks</h2>
        {isAdmin ? (
          <button
            type="button"
            class="primary"
            data-testid="webhook-new-button"
            aria-controls="webhook-create-form"
            aria-expanded="false"
          >
            Add Webhook
          </button>
        ) : null}
      </div>
      <p class="muted">
        Webhooks notify your application in real time when messages are sent, delivered or received,
        calls complete and contacts change. Every request is signed (<code>webhook-signature</code>{" "}
        and <code>X-Switchboard-Signature</code>) and retried until your endpoint accepts it. See
        the <a href="/docs">API reference</a> for payloads.
      </p>
      <section class="notices" data-testid="webhook-failures" aria-label="Failure notices" hidden />
      <div class="alert alert-ok" data-testid="webhook-notice" role="status" hidden />
      <div class="alert alert-error" data-testid="webhook-error" role="alert" hidden />
      <div data-testid="webhook-secret-reveal" hidden />
      {isAdmin ? <AddWebhookForm settings={settings} /> : null}
      <div class="endpoint-list" data-testid="webhook-list" />
      <p class="muted" data-testid="webhook-status">
        Loading…
      </p>
      <button type="button" data-testid="webhook-more" hidden>
        Load more
      </button>
      {isAdmin ? null : (
        <p class="muted" data-testid="webhook-admin-only">
          Only account admins can add, test or change webhooks.
        </p>
      )}
    </section>
  );
}

export const webhooksSection: DashboardSection = {
  id: "webhooks",
  title: "Webhooks",
  render: (viewer, settings) => <WebhooksSection viewer={viewer} settings={settings} />,
};
