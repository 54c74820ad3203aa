-- CreateTable
CREATE TABLE "github_repo_sync" (
    "repo" TEXT NOT NULL PRIMARY KEY,
    "renamed_to" TEXT,
    "started_at" DATETIME,
    "finished_at" DATETIME,
    "stargazers" INTEGER NOT NULL DEFAULT 0,
    "matched" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "not_modified" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT
);

-- CreateTable
CREATE TABLE "github_stargazer_page" (
    "repo" TEXT NOT NULL,
    "page" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "link" TEXT,
    "logins" TEXT NOT NULL,

    PRIMARY KEY ("repo", "page")
);

-- CreateTable
CREATE TABLE "github_webhook_delivery" (
    "delivery_id" TEXT NOT NULL PRIMARY KEY,
    "received_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "github_webhook_delivery_received_at_idx" ON "github_webhook_delivery"("received_at");
