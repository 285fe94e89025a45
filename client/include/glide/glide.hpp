#pragma once
// The whole public API of glide-cpp.
#include <glide/batch.hpp>
#include <glide/client.hpp>
#include <glide/cluster_client.hpp>
#include <glide/commands.hpp>
#include <glide/config.hpp>
#include <glide/route.hpp>
#include <glide/error.hpp>
#include <glide/logging.hpp>
#include <glide/script.hpp>
#include <glide/sync_client.hpp>
#include <glide/value.hpp>
