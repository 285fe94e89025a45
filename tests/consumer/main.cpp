// Connects to the server given on the command line and round-trips a value, a batch and a script.
#include <glide/glide.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  glide::GlideClientConfiguration config;
  config.addresses.push_back({argv[1], static_cast<std::uint16_t>(std::atoi(argv[2]))});
  auto client = glide::sync::GlideClient::create(config);
  if (!client) {
    std::cerr << "create failed: " << client.error() << "\n";
    return 1;
  }
  glide::Batch batch(true);
  batch.set("consumer:key", "installed").get("consumer:key");
  auto results = client.value().exec(batch, true);
  auto script = client.value().invoke_script(glide::Script("return ARGV[1]"), {.keys = {}, .args = {"scripted"}});
  if (!results || !script || !results.value() || (*results.value())[1].value() != "installed" || script.value() != "scripted") {
    std::cerr << "unexpected results\n";
    return 1;
  }
  std::cout << "consumer OK\n";
  return 0;
}
