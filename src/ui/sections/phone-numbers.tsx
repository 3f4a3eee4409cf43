import type { DashboardSection, Viewer } from "./types";

/** The account's phone numbers: the only senders it may use, where its inbound arrives. */
function PhoneNumbersSection({ viewer }: { viewer: Viewer }) {
  const isAdmin = viewer.user.role === "admin";
  return (
    <section id="phone-numbers" class="card" data-testid="numbers-section">
      <div class="card-head">
        <h2>Phone numbers</h2>
      </div>
      <p class="muted">
        Numbers of {viewer.account.name}. Messages and calls go out only from these, and replies to
        them arrive here. A live number must belong to the configured Twilio account.
      </p>
      <div class="alert alert-ok" data-testid="numbers-notice" role="status" hidden />
      <div class="alert alert-error" data-testid="numbers-error" role="alert" hidden />
      <div class="table-wrap">
        <table data-testid="numbers-table">
          <thead>
            <tr>
              <th>Number</th>
              <th>Mode</th>
              <th>Added</th>
              {isAdmin ? <th /> : null}
            </tr>
          </thead>
          <tbody data-testid="numbers-list" />
        </table>
      </div>
      <p class="muted" data-testid="numbers-status">
        Loading…
      </p>
      {isAdmin ? (
        <form class="inline-form" data-testid="numbers-add-form" method="post" novalidate>
          <h3>Add a number</h3>
          <div>
            <label for="numbers-add-number">
              Number <span class="hint">(E.164, e.g. +15555550123)</span>
            </label>
            <input id="numbers-add-number" name="number" data-testid="numbers-add-number" />
          </div>
          <div>
            <label for="numbers-add-mode">Mode</label>
            <select id="numbers-add-mode" name="mode" data-testid="numbers-add-mode">
              <option value="live">Live</option>
              <option value="test">Test</option>
            </select>
          </div>
          <button type="submit" class="primary" data-testid="numbers-add-submit">
            Add
          </button>
          <div class="alert alert-error" data-testid="numbers-add-error" role="alert" hidden />
        </form>
      ) : (
        <p class="muted">Only account admins can add or release numbers.</p>
      )}
    </section>
  );
}

export const phoneNumbersSection: DashboardSection = {
  id: "phone-numbers",
  title: "Phone numbers",
  render: (viewer) => <PhoneNumbersSection viewer={viewer} />,
};
