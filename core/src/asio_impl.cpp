// The compiled part of Boost.Asio and its SSL layer, built once for the whole library.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
