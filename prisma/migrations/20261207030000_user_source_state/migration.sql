-- CreateTable
CREATE TABLE "user_source_state" (
    "source" TEXT NOT NULL,
    "cursor" TEXT,
    "last_full_at" TIMESTAMP(3),
    "last_success_at" TIMESTAMP(3),
    "last_run" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_source_state_pkey" PRIMARY KEY ("source")
);
