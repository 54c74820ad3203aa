-- CreateTable
CREATE TABLE "github_repo_sync" (
    "repo" TEXT NOT NULL,
    "renamed_to" TEXT,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "stargazers" INTEGER NOT NULL DEFAULT 0,
    "matched" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "not_modified" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "github_repo_sync_pkey" PRIMARY KEY ("repo")
);

-- CreateTable
CREATE TABLE "github_stargazer_page" (
    "repo" TEXT NOT NULL,
    "page" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "link" TEXT,
    "logins" TEXT NOT NULL,

    CONSTRAINT "github_stargazer_page_pkey" PRIMARY KEY ("repo","page")
);

-- CreateTable
CREATE TABLE "github_webhook_delivery" (
    "delivery_id" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "github_webhook_delivery_pkey" PRIMARY KEY ("delivery_id")
);

-- CreateIndex
CREATE INDEX "github_webhook_delivery_received_at_idx" ON "github_webhook_delivery"("received_at");
